import { Migration } from '@mikro-orm/migrations';

export class Migration20261202080041_stored_settings extends Migration {
  override name = 'Migration20261202080041_stored_settings';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "stored_settings" ("variable" varchar(64) not null, "value" text not null, "updated_by" varchar(255) not null, "update_time" timestamptz(3) not null, "revision" int not null default 1, primary key ("variable"));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "stored_settings" cascade;`);
  }
}
