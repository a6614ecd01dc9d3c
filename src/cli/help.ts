/** The dot commands and what they do, shared by --help and the shell's .help. */
export const DOT_COMMANDS: readonly (readonly [string, string])[] = [
  ['.help', 'show this list'],
  ['.quit, .exit', 'leave the shell'],
  ['.format table|json|csv', 'output format (.mode is the same)'],
  ['.timer on|off', 'print "Run Time: 0.123 s" after each statement'],
  ['.maxrows N', 'rows a table shows (first and last halves; 0: all; default 40)'],
  ['.maxwidth N', 'width of a table in characters (0: the terminal width)'],
  ['.tables [pattern]', 'tables and views of the current schema (pattern: * and ?, or % and _)'],
  ['.schemas', 'schemas of the current catalog'],
  ['.catalogs', 'catalogs'],
  ['.volumes', 'volumes of the current schema'],
  ['.use <catalog>[.<schema>]', 'change the current catalog and schema (runs USE)'],
  ['.read <file>', 'run the statements of a SQL file'],
];

/** The dot commands as indented help lines. */
export function dotHelpLines(): string {
  return DOT_COMMANDS.map(([name, text]) => `    ${name.padEnd(28)}${text}`).join('\n') + '\n';
}

/** `loch --help`: every command and option. */
export const HELP = `loch — a lakehouse for TypeScript and Node.js

Usage:
  loch                              open the SQL shell (same as: loch sql)
  loch sql "<statements>"           run SQL; several statements separated by ';' run in order
  loch import <file> <table>        load a CSV, JSON/NDJSON or Parquet file into a table
  loch volume put <local file> </Volumes/c/s/v/path>
                                    upload a file (a path ending in '/' is a folder: the
                                    file keeps its name)
  loch volume get </Volumes/c/s/v/path> <local file | ->
                                    download a file ('-' writes it to standard output)
  loch volume ls </Volumes/c/s/v[/folder]>
                                    list a volume folder (path, name, size, modification_time)
  loch volume rm </Volumes/c/s/v/path> [-r | --recursive]
                                    delete a file; -r deletes a folder and everything in it
  loch serve [--host H] [--port N] [--pg-port N|off]
                                    run the server: statement API, Unity Catalog and Iceberg
                                    REST on one HTTP port (default 127.0.0.1:8080), the
                                    PostgreSQL protocol on another (default 5433); until
                                    Ctrl-C or SIGTERM
  loch token create [--user NAME] [--comment C] [--lifetime SECONDS]
                                    print a new personal access token (only the token, on
                                    stdout); --user creates the user when missing; default:
                                    your own administrator principal
  loch token list [--user NAME]     tokens (id, principal, created, expires, comment)
  loch token revoke <token id>      revoke a token at once
  loch secret put <scope> <key>     store a secret (e.g. a model provider's API key), encrypted;
                                    the value is read from standard input when piped
                                    (printf %s "$KEY" | loch secret put openai api_key) or
                                    typed at a prompt that does not echo; never printed
  loch secret list [<scope>]        scopes (scope, owner, created), or a scope's keys (key,
                                    updated) — never values
  loch secret delete <scope> <key> / loch secret delete-scope <scope>
  loch secret acl put <scope> <principal> READ|WRITE|MANAGE
  loch secret acl delete <scope> <principal> / loch secret acl list <scope>
                                    who may use (READ), change (WRITE) or administer (MANAGE)
                                    a scope; endpoints need READ on their key's scope
  loch endpoint list [<catalog>.<schema>]
                                    model endpoints (name, provider, task, model, owner)
  loch endpoint describe <name>     an endpoint's settings (its key as secret('scope', 'key'))
  loch endpoint drop <name>         drop an endpoint
                                    Create and change endpoints with SQL:
                                    CREATE MODEL ENDPOINT main.default.chat PROVIDER 'openai'
                                      OPTIONS (url 'https://api.openai.com/v1',
                                      model 'gpt-4o-mini', api_key secret('openai', 'api_key'))
                                    ALTER MODEL ENDPOINT … SET OPTIONS (max_concurrency 4)
  loch eval (--agent c.s.a | --endpoint c.s.e) --table c.s.t --output c.s.r
            [--judge c.s.e] [--scorers a,b] [--seed N] [--principal NAME] [--concurrency N]
                                    evaluate an agent or chat endpoint over a table (request
                                    STRING, optional expected_response STRING, expected_facts
                                    ARRAY<STRING>); scorers: exact_match, contains_expected,
                                    latency, and with a judge endpoint correctness,
                                    groundedness, relevance (default: all that apply); writes
                                    per-row results to --output and means to <output>_summary,
                                    prints the summary; each row is a trace in system.ai.traces

Options (before or after the command):
  --warehouse, -w <dir | s3://bucket/prefix>
                      the warehouse (env LOCH_WAREHOUSE; default ./lakehouse)
  --metastore <postgres://user@host/db>
                      a shared PostgreSQL metastore (env LOCH_METASTORE; default: SQLite
                      inside the warehouse's local state)
  --format, -f table|json|csv
                      output format (default table)
  --debug             print stack traces of errors
  --help, -h / --version, -v
  --                  ends the options (for file names starting with '-')

Import options:
  --mode append|overwrite
                      append (default): a new table is created from the file (CREATE TABLE …
                      AS SELECT); an existing one gets the rows appended BY NAME (columns are
                      matched by name: missing ones are NULL, ones the table lacks are an
                      error). overwrite: the table is replaced
                      by the file's contents and columns (CREATE OR REPLACE TABLE … AS SELECT;
                      its history stays for time travel).
  --file-format csv|json|parquet
                      the file's format when its extension does not say (.csv .tsv .json
                      .ndjson .jsonl .parquet)
  --option, -o key=value
                      a reader option, repeatable (read_csv / read_json / read_parquet), e.g.
                      --option delim=';' --option header=false
  Table names are table, schema.table or catalog.schema.table (default main.default);
  quote a part holding quotes or other special characters in backticks: main.default.\`it's\`.

The shell:
  Statements end with ';' and may span lines. Tab completes keywords, catalog, schema, table
  and volume names (after a dot: main.def<TAB>) and dot commands. History is kept in
  ~/.loch_history. Ctrl-C stops showing a result (a statement still running is waited
  for, its result dropped) or clears the line; Ctrl-C twice on an empty line or Ctrl-D leaves. With standard input not a terminal, statements are read from it
  and run in order (no prompts); the exit status is 1 when any failed.
  Dot commands:
${dotHelpLines()}
Progress: imports, OPTIMIZE, VACUUM, COPY INTO and statements running longer than half a second
show a progress line on standard error when it is a terminal (never when piped).

Delta tables by path:  delta.\`/path\` [VERSION AS OF n | TIMESTAMP AS OF '<iso>'],
  delta_scan('/path' [, version => n] [, timestamp => '<iso>']),
  table_changes('/path', start [, end]), DESCRIBE HISTORY delta.\`/path\`, DESCRIBE DETAIL delta.\`/path\`

Exit status: 0 success, 1 an error (one line on standard error, starting with its code).
`;

