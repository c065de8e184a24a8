import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import { parse as parseYaml } from 'yaml';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { findKeysetPage, type KeysetOrder } from '../common/index.ts';
import { assertJobCommandsKept } from './active-jobs.ts';
import { BUILT_IN_PROFILES } from './built-in-profiles.ts';
import { DeviceSchema } from './device.entity.ts';
import { compileEqualityFilter } from './list-filter.ts';
import { type Profile, ProfileSchema, type ProfileSource } from './profile.entity.ts';
import {
  checkProfileBody,
  type ProfileBody,
  type ProfileDocument,
  type ProfileProblem,
  problemOfIssue,
  profileDocumentSchema,
} from './profile-schema.ts';
import { DeviceReason } from './reasons.ts';
import { assertResourceId, etagOf } from './resource-names.ts';

/** The fields of a profile a caller sets (everything but id and output-only fields). */
export type ProfileInput = Omit<ProfileDocument, 'id'>;

/** The fields UpdateDeviceProfile may change. */
export const UPDATABLE_PROFILE_FIELDS = [
  'display_name',
  'manufacturer',
  'model',
  'description',
  'labels',
  'resources',
  'commands',
] as const;

const PROFILE_ORDER: KeysetOrder<Profile> = {
  key: 'id',
  direction: 'asc',
  cursorPrefix: 'p1:',
  keyPattern: /^[a-z][a-z0-9-]{0,62}$/,
};

/** Options of {@link createProfiles}. */
export interface ProfilesOptions {
  em: () => EntityManager;
  logger: Logger;
  /** Folder of provisioned profile documents; undefined for none. */
  profilesDir: string | undefined;
  /** Told after a profile was written over or deleted; must not throw. */
  onChange?: (id: string) => void;
}

/** Device profiles: built in, provisioned from a folder, or managed through the API, with etags. */
export type Profiles = ReturnType<typeof createProfiles>;

/** Creates the profile resource over the database. */
export function createProfiles(options: ProfilesOptions) {
  const { em } = options;

  async function load(fork: EntityManager, id: string): Promise<Profile> {
    const row = await fork.findOne(ProfileSchema, { id });
    if (row === null) {
      throw new AppError(
        Code.NOT_FOUND,
        DeviceReason.PROFILE_NOT_FOUND,
        `deviceProfiles/${id} does not exist`,
      );
    }
    return row;
  }

  function assertEditable(profile: Profile): void {
    if (profile.source === 'built-in') {
      throw new AppError(
        Code.FAILED_PRECONDITION,
        DeviceReason.PROFILE_BUILT_IN,
        `deviceProfiles/${profile.id} ships with the server and cannot be changed; create a copy under another id`,
      );
    }
  }

  async function upsert(id: string, input: ProfileInput, source: ProfileSource): Promise<void> {
    const body = bodyOf(input);
    const fork = em();
    const row = await fork.findOne(ProfileSchema, { id });
    const now = new Date();
    if (row === null) {
      fork.create(ProfileSchema, {
        id,
        ...fieldsOf(input),
        body,
        source,
        revision: 1,
        createTime: now,
        updateTime: now,
      });
    } else if (
      JSON.stringify([fieldsOf(input), body]) !== JSON.stringify([fieldsOf(row), row.body]) ||
      row.source !== source
    ) {
      Object.assign(row, fieldsOf(input), { body, source, revision: row.revision + 1, updateTime: now });
    }
    await fork.flush();
    options.onChange?.(id);
  }

  return {
    /** Writes the built-in profiles and those of the profiles folder, replacing older versions. */
    async provision(): Promise<void> {
      for (const document of BUILT_IN_PROFILES) {
        const { id, ...input } = profileDocumentSchema.parse(document);
        await upsert(id ?? document.id, input, 'built-in');
      }
      for (const [file, document] of readProfileFolder(options.profilesDir)) {
        const { id, ...input } = document;
        if (id === undefined) throw profileFileError(file, 'the document has no "id"');
        if (BUILT_IN_PROFILES.some((builtIn) => builtIn.id === id)) {
          throw profileFileError(file, `"${id}" is the id of a built-in profile`);
        }
        await upsert(id, input, 'file');
        options.logger.info({ profile: id, file }, 'device profile provisioned');
      }
    },

    async create(id: string, input: ProfileInput): Promise<Profile> {
      assertResourceId(id, 'device_profile_id');
      const body = bodyOf(input);
      const fork = em();
      const now = new Date();
      const row = fork.create(ProfileSchema, {
        id,
        ...fieldsOf(input),
        body,
        source: 'api',
        revision: 1,
        createTime: now,
        updateTime: now,
      });
      try {
        await fork.flush();
      } catch (error) {
        if (AppError.from(error).code !== Code.ALREADY_EXISTS) throw error;
        throw new AppError(
          Code.ALREADY_EXISTS,
          DeviceReason.PROFILE_EXISTS,
          `deviceProfiles/${id} already exists`,
        );
      }
      return row;
    },

    get(id: string): Promise<Profile> {
      return load(em(), id);
    },

    async list(request: { pageSize: number; pageToken: string; filter: string }) {
      const where = compileEqualityFilter(request.filter, {
        manufacturer: { column: 'manufacturer' },
        model: { column: 'model' },
        display_name: { column: 'displayName' },
      });
      return findKeysetPage(em(), ProfileSchema, where as never, PROFILE_ORDER, request);
    },

    async update(
      id: string,
      etag: string,
      input: ProfileInput,
      fields: ReadonlySet<string>,
    ): Promise<Profile> {
      const fork = em();
      const row = await load(fork, id);
      assertEditable(row);
      assertEtag(etag, row.revision, `deviceProfiles/${id}`);
      const merged: ProfileInput = {
        displayName: fields.has('display_name') ? input.displayName : row.displayName,
        manufacturer: fields.has('manufacturer') ? input.manufacturer : row.manufacturer,
        model: fields.has('model') ? input.model : row.model,
        description: fields.has('description') ? input.description : row.description,
        labels: fields.has('labels') ? input.labels : row.labels,
        resources: fields.has('resources') ? input.resources : row.body.resources,
        commands: fields.has('commands') ? input.commands : (row.body.commands as ProfileInput['commands']),
      };
      const body = bodyOf(merged);
      const users = await fork.find(DeviceSchema, { profile: id }, { fields: ['id'] });
      await assertJobCommandsKept(
        fork,
        users.map((device) => device.id),
        body.commands.map((command) => command.name),
      );
      const changed = await fork.nativeUpdate(
        ProfileSchema,
        { id, revision: row.revision },
        { ...fieldsOf(merged), body, revision: row.revision + 1, updateTime: new Date() },
      );
      if (changed !== 1) assertEtag(etagOf(row.revision), -1, `deviceProfiles/${id}`);
      options.onChange?.(id);
      return load(em(), id);
    },

    async delete(id: string, etag: string): Promise<void> {
      const fork = em();
      const row = await load(fork, id);
      assertEditable(row);
      assertEtag(etag, row.revision, `deviceProfiles/${id}`);
      const users = await fork.count(DeviceSchema, { profile: id });
      if (users > 0) {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          DeviceReason.PROFILE_IN_USE,
          `deviceProfiles/${id} is used by ${users} device(s); change or delete them first`,
        );
      }
      const deleted = await fork.nativeDelete(ProfileSchema, { id, revision: row.revision });
      if (deleted !== 1) assertEtag(etagOf(row.revision), -1, `deviceProfiles/${id}`);
      options.onChange?.(id);
    },

    /** Number of devices per profile id, for `device_count`. */
    async deviceCounts(ids: readonly string[]): Promise<Map<string, number>> {
      const counts = new Map<string, number>();
      if (ids.length === 0) return counts;
      const rows = await em().find(DeviceSchema, { profile: { $in: [...ids] } }, { fields: ['profile'] });
      for (const row of rows) counts.set(row.profile, (counts.get(row.profile) ?? 0) + 1);
      return counts;
    },
  };
}

/** Fails ABORTED `ETAG_MISMATCH` when `sent` is set and is not the etag of `revision`. */
export function assertEtag(sent: string, revision: number, name: string): void {
  if (sent !== '' && sent !== etagOf(revision)) {
    throw new AppError(
      Code.ABORTED,
      DeviceReason.ETAG_MISMATCH,
      `${name} changed since it was read (etag ${JSON.stringify(sent.slice(0, 40))} is not the current one); read it again`,
    );
  }
}

function fieldsOf(
  input: Pick<ProfileInput, 'displayName' | 'manufacturer' | 'model' | 'description' | 'labels'>,
) {
  return {
    displayName: input.displayName,
    manufacturer: input.manufacturer,
    model: input.model,
    description: input.description,
    labels: input.labels,
  };
}

/**
 * The checked body of a profile: the document schema (names, sizes, frame field types), then
 * the consistency checks; INVALID_ARGUMENT `INVALID_PROFILE` listing every problem otherwise.
 */
function bodyOf(input: ProfileInput) {
  const checked = checkProfileDocument(input);
  if ('problems' in checked) {
    const first = checked.problems[0];
    throw new AppError(
      Code.INVALID_ARGUMENT,
      DeviceReason.INVALID_PROFILE,
      `the profile is inconsistent: ${first?.field} ${first?.description}${checked.problems.length > 1 ? ` (and ${checked.problems.length - 1} more)` : ''}`,
      {
        fieldViolations: checked.problems.map((problem) => ({
          field: `device_profile.${problem.field}`,
          description: problem.description,
        })),
      },
    );
  }
  return checked.body;
}

/** Every `.yaml`, `.yml` and `.json` document of `dir`, parsed and checked, by file name order. */
function readProfileFolder(dir: string | undefined): Array<[string, ProfileDocument]> {
  if (dir === undefined) return [];
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((file) => ['.yaml', '.yml', '.json'].includes(extname(file)))
      .sort();
  } catch (error) {
    throw profileFileError(dir, (error as Error).message);
  }
  return files.map((file) => {
    const path = join(dir, file);
    let raw: unknown;
    try {
      const text = readFileSync(path, 'utf8');
      raw = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      throw profileFileError(path, (error as Error).message);
    }
    const parsed = profileDocumentSchema.safeParse(raw);
    const checked = parsed.success
      ? checkProfileBody(parsed.data)
      : { problems: parsed.error.issues.map(problemOfIssue) };
    if ('problems' in checked) {
      throw profileFileError(path, checked.problems.map((p) => `${p.field} ${p.description}`).join('; '));
    }
    return [path, parsed.data as ProfileDocument];
  });
}

/** A document through the schema, then the consistency checks: the body, or every problem. */
function checkProfileDocument(input: ProfileInput): { body: ProfileBody } | { problems: ProfileProblem[] } {
  const parsed = profileDocumentSchema.safeParse(input);
  if (!parsed.success) return { problems: parsed.error.issues.map(problemOfIssue) };
  return checkProfileBody(parsed.data);
}

function profileFileError(path: string, message: string): AppError {
  return new AppError(
    Code.FAILED_PRECONDITION,
    DeviceReason.PROFILE_FILE_INVALID,
    `device profile ${path}: ${message}`,
  );
}
