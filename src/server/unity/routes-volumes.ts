/**
 * Volumes: POST/GET /volumes (GET needs catalog_name and schema_name), GET/PATCH/DELETE
 * /volumes/{name} with the three-part name. MANAGED volumes live under the schema's managed
 * storage; EXTERNAL ones need `storage_location` (admins only, see external-locations.ts).
 * PATCH changes `comment`, `new_name` and (Databricks' field) `owner`.
 */
import type { Hono } from 'hono';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { checkExternalLocation } from './external-locations.js';
import { volumeJson } from './mapping.js';
import { operation } from './operation.js';
import { pageOf, pageRequest } from './paging.js';
import { optionalComment, optionalString, readBody, requiredQuery, requiredString, pathParam } from './request.js';
import { invalidParameter } from './uc-errors.js';
import { checkName, fullName, objectPath } from './uc-names.js';
import { isEmptyChange, objectChange } from './updates.js';

export function volumeRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.post(
    '/volumes',
    operation(deps, 'createVolume', async (c, audit) => {
      const body = await readBody(c);
      const name = {
        catalog: checkName('catalog', requiredString(body, 'catalog_name')),
        schema: checkName('schema', requiredString(body, 'schema_name')),
        name: checkName('volume', requiredString(body, 'name')),
      };
      const full = fullName(name.catalog, name.schema, name.name);
      audit.object('VOLUME', full);
      const type = requiredString(body, 'volume_type');
      const comment = optionalComment(body);
      const location = optionalString(body, 'storage_location');
      const caller = c.get('caller');
      if (type === 'EXTERNAL') {
        if (location === undefined || location === '') throw invalidParameter(`an EXTERNAL volume needs storage_location (volume ${full})`);
        checkExternalLocation(caller.principal, location, 'volume', full);
      } else if (type === 'MANAGED') {
        if (location !== undefined && location !== '') throw invalidParameter(`a MANAGED volume takes no storage_location (volume ${full}); use volume_type EXTERNAL`);
      } else {
        throw invalidParameter(`volume_type must be MANAGED or EXTERNAL, not '${type.slice(0, 40)}'`);
      }
      await caller.catalog.createVolume(name, {
        ...(comment !== undefined && comment !== '' ? { comment } : {}),
        ...(type === 'EXTERNAL' && location !== undefined ? { location } : {}),
      });
      return volumeJson(await caller.catalog.getVolume(name));
    }),
  );

  app.get(
    '/volumes',
    operation(deps, 'listVolumes', async (c, audit) => {
      const catalog = checkName('catalog', requiredQuery(c, 'catalog_name'));
      const schema = checkName('schema', requiredQuery(c, 'schema_name'));
      audit.object('SCHEMA', fullName(catalog, schema));
      const request = pageRequest(c, { listing: 'volumes', parent: fullName(catalog, schema) }, { specMax: 10_000, serverMax: 1000 });
      const page = pageOf(await c.get('caller').catalog.listVolumes(catalog, schema), (x) => x.name, request);
      return { volumes: page.items.map(volumeJson), ...(page.nextPageToken !== undefined ? { next_page_token: page.nextPageToken } : {}) };
    }),
  );

  app.get(
    '/volumes/:name',
    operation(deps, 'getVolume', async (c, audit) => {
      const name = objectPath(pathParam(c, 'name'), 'volume');
      audit.object('VOLUME', fullName(name.catalog, name.schema, name.name));
      return volumeJson(await c.get('caller').catalog.getVolume(name));
    }),
  );

  app.patch(
    '/volumes/:name',
    operation(deps, 'updateVolume', async (c, audit) => {
      const name = objectPath(pathParam(c, 'name'), 'volume');
      audit.object('VOLUME', fullName(name.catalog, name.schema, name.name));
      const body = await readBody(c);
      const catalog = c.get('caller').catalog;
      const current = await catalog.getVolume(name);
      const change = objectChange(body, 'volume', current.properties, { properties: false });
      return volumeJson(isEmptyChange(change) ? current : await catalog.alterVolume(name, change));
    }),
  );

  app.delete(
    '/volumes/:name',
    operation(deps, 'deleteVolume', async (c, audit) => {
      const name = objectPath(pathParam(c, 'name'), 'volume');
      audit.object('VOLUME', fullName(name.catalog, name.schema, name.name));
      await c.get('caller').catalog.dropVolume(name);
      return {};
    }),
  );
}
