import { Migration } from '@mikro-orm/migrations';

export class Migration20261202091952_device_jobs_interrupted_request_id extends Migration {
  override name = 'Migration20261202091952_device_jobs_interrupted_request_id';

  override up(): void | Promise<void> {
    this.addSql(`alter table "device_jobs" drop constraint "device_jobs_state_check";`);
    this.addSql(`alter table "device_jobs" add "request_id" varchar(400) null;`);
    this.addSql(
      `alter table "device_jobs" add constraint "device_jobs_request_id_unique" unique ("request_id");`,
    );
    this.addSql(
      `alter table "device_jobs" add constraint "device_jobs_state_check" check ("state" in ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "device_jobs" drop constraint "device_jobs_request_id_unique";`);
    this.addSql(`alter table "device_jobs" drop constraint "device_jobs_state_check";`);
    this.addSql(`alter table "device_jobs" drop column "request_id";`);
    this.addSql(
      `alter table "device_jobs" add constraint "device_jobs_state_check" check ("state" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'));`,
    );
  }
}
