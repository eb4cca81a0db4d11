// A command line that cannot be understood: exit 2, nothing was started.
import { EXIT, WanflowError } from '../shared/errors';

export class UsageError extends WanflowError {
  override readonly name = 'UsageError';
  override readonly exitCode = EXIT.usage;
  readonly remedy: string;
  constructor(message: string, remedy = '`wanflow help <command>` lists its arguments and flags.') {
    super(message);
    this.remedy = remedy;
  }
}
