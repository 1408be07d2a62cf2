/**
 * Validation of the settings of Source and Sink. A setter returns the problem with a value as
 * a message, or null when it took the value; a bad value changes nothing.
 */
export type SettingError = string | null;

/** A number of seconds in [min, max]. */
export function checkSeconds(name: string, value: number, min: number, max: number): SettingError {
  return Number.isFinite(value) && value >= min && value <= max ? null : `${name} must be ${min}…${max} s (got ${value})`;
}

/** An integer in [min, max]. */
export function checkInteger(name: string, value: number, min: number, max: number): SettingError {
  return Number.isInteger(value) && value >= min && value <= max ? null : `${name} must be an integer ${min}…${max} (got ${value})`;
}

/** For constructors: a bad option is a programming error. */
export function orThrow(error: SettingError): void {
  if (error !== null) throw new RangeError(error);
}
