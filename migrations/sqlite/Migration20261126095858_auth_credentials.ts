import { Migration } from '@mikro-orm/migrations';

export class Migration20261126095858_auth_credentials extends Migration {
  override name = 'Migration20261126095858_auth_credentials';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`api_keys\` (\`id\` text not null primary key, \`key_id\` text not null, \`display_name\` text not null, \`lookup_id\` text not null, \`prefix\` text not null, \`secret_hash\` text not null, \`roles\` json not null, \`scopes\` json not null, \`creator\` text not null, \`create_time\` datetime not null, \`expire_time\` datetime null, \`last_used_time\` datetime null, \`revoke_time\` datetime null);`,
    );
    this.addSql(`create unique index \`api_keys_key_id_unique\` on \`api_keys\` (\`key_id\`);`);
    this.addSql(`create unique index \`api_keys_lookup_id_unique\` on \`api_keys\` (\`lookup_id\`);`);

    this.addSql(
      `create table \`refresh_tokens\` (\`id\` text not null primary key, \`lookup_id\` text not null, \`token_hash\` text not null, \`family_id\` text not null, \`user_id\` text not null, \`scope\` text not null, \`create_time\` datetime not null, \`expire_time\` datetime not null, \`used_time\` datetime null, \`revoke_time\` datetime null);`,
    );
    this.addSql(
      `create unique index \`refresh_tokens_lookup_id_unique\` on \`refresh_tokens\` (\`lookup_id\`);`,
    );
    this.addSql(`create index \`refresh_tokens_family_id_index\` on \`refresh_tokens\` (\`family_id\`);`);
    this.addSql(`create index \`refresh_tokens_user_id_index\` on \`refresh_tokens\` (\`user_id\`);`);

    this.addSql(
      `create table \`token_revocations\` (\`handle\` text not null primary key, \`expire_time\` datetime not null);`,
    );
    this.addSql(
      `create index \`token_revocations_expire_time_index\` on \`token_revocations\` (\`expire_time\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`api_keys\`;`);
    this.addSql(`drop table if exists \`refresh_tokens\`;`);
    this.addSql(`drop table if exists \`token_revocations\`;`);
  }
}
