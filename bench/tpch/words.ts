/**
 * Vocabularies of the generated TPC-H-shaped data. The closed domains (segments, priorities,
 * ship modes, type syllables, containers, part-name colours, nations, regions) are the value sets
 * the TPC-H specification defines and the 22 queries filter on; the comment words are this
 * generator's own small vocabulary, chosen so the queries' LIKE patterns ('%special%requests%',
 * '%Customer%Complaints%') find some rows but not most.
 */

export const REGIONS = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'] as const;

/** [name, region key]; the key of a nation is its position. */
export const NATIONS: readonly (readonly [string, number])[] = [
  ['ALGERIA', 0], ['ARGENTINA', 1], ['BRAZIL', 1], ['CANADA', 1], ['EGYPT', 4],
  ['ETHIOPIA', 0], ['FRANCE', 3], ['GERMANY', 3], ['INDIA', 2], ['INDONESIA', 2],
  ['IRAN', 4], ['IRAQ', 4], ['JAPAN', 2], ['JORDAN', 4], ['KENYA', 0],
  ['MOROCCO', 0], ['MOZAMBIQUE', 0], ['PERU', 1], ['CHINA', 2], ['ROMANIA', 3],
  ['SAUDI ARABIA', 4], ['VIETNAM', 2], ['RUSSIA', 3], ['UNITED KINGDOM', 3], ['UNITED STATES', 1],
];

export const SEGMENTS = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'HOUSEHOLD', 'MACHINERY'] as const;
export const PRIORITIES = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'] as const;
export const SHIP_MODES = ['AIR', 'FOB', 'MAIL', 'RAIL', 'REG AIR', 'SHIP', 'TRUCK'] as const;
export const SHIP_INSTRUCTIONS = ['COLLECT COD', 'DELIVER IN PERSON', 'NONE', 'TAKE BACK RETURN'] as const;

export const TYPE_SIZES = ['ECONOMY', 'LARGE', 'MEDIUM', 'PROMO', 'SMALL', 'STANDARD'] as const;
export const TYPE_FINISHES = ['ANODIZED', 'BRUSHED', 'BURNISHED', 'PLATED', 'POLISHED'] as const;
export const TYPE_METALS = ['BRASS', 'COPPER', 'NICKEL', 'STEEL', 'TIN'] as const;

export const CONTAINER_SIZES = ['JUMBO', 'LG', 'MED', 'SM', 'WRAP'] as const;
export const CONTAINER_KINDS = ['BAG', 'BOX', 'CAN', 'CASE', 'DRUM', 'JAR', 'PACK', 'PKG'] as const;

/** The colours part names are made of (five per name). */
export const COLOURS = [
  'almond', 'antique', 'aquamarine', 'azure', 'beige', 'bisque', 'black', 'blanched', 'blue', 'blush',
  'brown', 'burlywood', 'burnished', 'chartreuse', 'chiffon', 'chocolate', 'coral', 'cornflower', 'cornsilk', 'cream',
  'cyan', 'dark', 'deep', 'dim', 'dodger', 'drab', 'firebrick', 'floral', 'forest', 'frosted',
  'gainsboro', 'ghost', 'goldenrod', 'green', 'grey', 'honeydew', 'hot', 'indian', 'ivory', 'khaki',
  'lace', 'lavender', 'lawn', 'lemon', 'light', 'lime', 'linen', 'magenta', 'maroon', 'medium',
  'metallic', 'midnight', 'mint', 'misty', 'moccasin', 'navajo', 'navy', 'olive', 'orange', 'orchid',
  'pale', 'papaya', 'peach', 'peru', 'pink', 'plum', 'powder', 'puff', 'purple', 'red',
  'rose', 'rosy', 'royal', 'saddle', 'salmon', 'sandy', 'seashell', 'sienna', 'sky', 'slate',
  'smoke', 'snow', 'spring', 'steel', 'tan', 'thistle', 'tomato', 'turquoise', 'violet', 'wheat',
  'white', 'yellow',
] as const;

/** Free-text words for the comment columns. */
export const COMMENT_WORDS = [
  'accounts', 'deposits', 'packages', 'requests', 'instructions', 'ideas', 'theodolites', 'foxes', 'platelets', 'pinto',
  'beans', 'dependencies', 'excuses', 'asymptotes', 'courts', 'dolphins', 'warhorses', 'sheaves', 'pearls', 'tithes',
  'furious', 'sly', 'careful', 'blithe', 'quick', 'fluffy', 'slow', 'quiet', 'ruthless', 'thin',
  'close', 'dogged', 'daring', 'brave', 'stealthy', 'bold', 'silent', 'special', 'pending', 'unusual',
  'express', 'regular', 'final', 'ironic', 'even', 'idle', 'busy', 'permanent', 'sleep', 'wake',
  'cajole', 'haggle', 'nag', 'boost', 'detect', 'integrate', 'maintain', 'nod', 'sublate', 'thrash',
  'engage', 'print', 'breach', 'grow', 'serve', 'doze', 'unwind', 'among', 'above', 'across',
  'against', 'beside', 'along', 'the', 'about', 'fully', 'slyly', 'carefully', 'blithely', 'quickly',
] as const;
