// The configuration's own error: the variable, the value (secrets hidden) and what is wrong with it.
import { EXIT, WanflowError } from '../shared/errors';
import { FAILURE_TYPE } from '../shared/failure-types';

/** The environment (or the worker's options) cannot make a working configuration. */
export class ConfigError extends WanflowError {
  override readonly name = FAILURE_TYPE.config;
  readonly remedy = 'Fix the named variable; docs/configuration.md lists every one.';
  override readonly exitCode = EXIT.usage;
}
