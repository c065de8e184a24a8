import { Migration } from '@mikro-orm/migrations';

export class Migration20261126083504_initial extends Migration {
  override name = 'Migration20261126083504_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "audit_entry" ("id" varchar(26) not null, "time" timestamptz(3) not null, "actor" varchar(255) not null, "action" varchar(255) not null, "category" text not null, "target" varchar(1024) not null default '', "outcome" text not null, "status_code" int not null default 0, "status_message" text not null default '', "client_address" varchar(255) not null default '', "request_id" varchar(128) not null default '', "user_agent" varchar(256) not null default '', "details" jsonb not null default '{}', primary key ("id"));`,
    );
    this.addSql(`create index "audit_entry_time_index" on "audit_entry" ("time");`);
    this.addSql(`create index "audit_entry_category_time_index" on "audit_entry" ("category", "time");`);

    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_category_check" check ("category" in ('security', 'registry', 'devices', 'analytics', 'system'));`,
    );
    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_outcome_check" check ("outcome" in ('success', 'denied', 'failure'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_entry" cascade;`);
  }
}
