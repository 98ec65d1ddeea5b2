/**
 * A configuration value that cannot be used. The message always names where the value
 * came from (flag, environment variable or config-file key) so an operator can fix it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
