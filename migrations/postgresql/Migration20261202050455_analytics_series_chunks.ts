import { Migration } from '@mikro-orm/migrations';

export class Migration20261202050455_analytics_series_chunks extends Migration {
  override name = 'Migration20261202050455_analytics_series_chunks';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "analytics_series" ("id" varchar(26) not null, "series_id" varchar(63) not null, "metric" varchar(200) not null, "labels" jsonb not null, "identity" varchar(64) not null, "unit" varchar(64) not null, "description" varchar(1024) not null, "device" varchar(255) not null, "retention_ms" bigint null, "revision" int not null, "sample_count" bigint not null, "first_time" bigint null, "last_time" bigint null, "last_value" double precision null, "create_time" timestamptz(3) not null, "update_time" timestamptz(3) not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "analytics_series" add constraint "analytics_series_series_id_unique" unique ("series_id");`,
    );
    this.addSql(`create index "analytics_series_metric_index" on "analytics_series" ("metric");`);
    this.addSql(
      `alter table "analytics_series" add constraint "analytics_series_identity_unique" unique ("identity");`,
    );

    this.addSql(
      `create table "analytics_chunks" ("id" serial primary key, "series_id" varchar(26) not null, "start_time" bigint not null, "end_time" bigint not null, "count" int not null, "sum" double precision not null, "sum_squares" double precision not null, "min" double precision not null, "max" double precision not null, "first_value" double precision not null, "last_value" double precision not null, "times" bytea not null, "values" bytea not null);`,
    );
    this.addSql(
      `create index "analytics_chunks_series_start_index" on "analytics_chunks" ("series_id", "start_time");`,
    );

    this.addSql(
      `alter table "analytics_chunks" add constraint "analytics_chunks_series_id_foreign" foreign key ("series_id") references "analytics_series" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "analytics_chunks" drop constraint "analytics_chunks_series_id_foreign";`);

    this.addSql(`drop table if exists "analytics_chunks" cascade;`);
    this.addSql(`drop table if exists "analytics_series" cascade;`);
  }
}
