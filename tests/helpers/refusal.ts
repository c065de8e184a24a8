import * as assert from 'uvu/assert';
import { AppError } from '../../src/platform/errors/index.ts';

/** The AppError `promise` rejects with; fails the test when it resolves or throws anything else. */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, AppError);
    return error as AppError;
  }
  throw new Error('the call succeeded');
}
