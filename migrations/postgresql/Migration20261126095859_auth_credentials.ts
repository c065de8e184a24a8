import { Migration } from '@mikro-orm/migrations';

export class Migration20261126095859_auth_credentials extends Migration {
  override name = 'Migration20261126095859_auth_credentials';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "api_keys" ("id" varchar(26) not null, "key_id" varchar(63) not null, "display_name" varchar(128) not null, "lookup_id" varchar(16) not null, "prefix" varchar(32) not null, "secret_hash" varchar(64) not null, "roles" jsonb not null, "scopes" jsonb not null, "creator" varchar(255) not null, "create_time" timestamptz(3) not null, "expire_time" timestamptz(3) null, "last_used_time" timestamptz(3) null, "revoke_time" timestamptz(3) null, primary key ("id"));`,
    );
    this.addSql(`alter table "api_keys" add constraint "api_keys_key_id_unique" unique ("key_id");`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_lookup_id_unique" unique ("lookup_id");`);

    this.addSql(
      `create table "refresh_tokens" ("id" varchar(26) not null, "lookup_id" varchar(16) not null, "token_hash" varchar(64) not null, "family_id" varchar(26) not null, "user_id" varchar(26) not null, "scope" text not null, "create_time" timestamptz(3) not null, "expire_time" timestamptz(3) not null, "used_time" timestamptz(3) null, "revoke_time" timestamptz(3) null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "refresh_tokens" add constraint "refresh_tokens_lookup_id_unique" unique ("lookup_id");`,
    );
    this.addSql(`create index "refresh_tokens_family_id_index" on "refresh_tokens" ("family_id");`);
    this.addSql(`create index "refresh_tokens_user_id_index" on "refresh_tokens" ("user_id");`);

    this.addSql(
      `create table "token_revocations" ("handle" varchar(64) not null, "expire_time" timestamptz(3) not null, primary key ("handle"));`,
    );
    this.addSql(`create index "token_revocations_expire_time_index" on "token_revocations" ("expire_time");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "api_keys" cascade;`);
    this.addSql(`drop table if exists "refresh_tokens" cascade;`);
    this.addSql(`drop table if exists "token_revocations" cascade;`);
  }
}
