import { Migration } from '@mikro-orm/migrations';

export class Migration20261126092154_users extends Migration {
  override name = 'Migration20261126092154_users';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "users" ("id" varchar(26) not null, "username" varchar(64) not null, "display_name" varchar(128) not null, "password_hash" varchar(255) not null, "roles" jsonb not null, "disabled" boolean not null default false, "create_time" timestamptz(3) not null, "update_time" timestamptz(3) not null, "password_update_time" timestamptz(3) not null, "last_login_time" timestamptz(3) null, primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_username_unique" unique ("username");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "users" cascade;`);
  }
}
