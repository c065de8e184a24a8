import { Migration } from '@mikro-orm/migrations';

export class Migration20261126092154_users extends Migration {
  override name = 'Migration20261126092154_users';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`users\` (\`id\` text not null primary key, \`username\` text not null, \`display_name\` text not null, \`password_hash\` text not null, \`roles\` json not null, \`disabled\` integer not null default false, \`create_time\` datetime not null, \`update_time\` datetime not null, \`password_update_time\` datetime not null, \`last_login_time\` datetime null);`,
    );
    this.addSql(`create unique index \`users_username_unique\` on \`users\` (\`username\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`users\`;`);
  }
}
