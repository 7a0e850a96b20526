/**
 * Issue codes for input that is not a usable pattern file at all, or that reaches outside the project: part of
 * {@link ./errors.ts CatalogIssueCode} (spread into it), kept here so the loader's hardening lives in one place.
 *
 * | code | raised when |
 * | --- | --- |
 * | `FILE_TOO_LARGE` | a pattern file is over `MAX_PATTERN_FILE_BYTES` (1 MiB): refused from its size, before it is read |
 * | `FILE_NOT_TEXT` | a pattern file holds a NUL byte or another control character YAML does not allow, or bytes that are not UTF-8 |
 * | `PATH_OUTSIDE_PROJECT` | a symbolic link under the patterns directory, or a `tests` sample-event path, leads outside the project directory |
 * | `YAML_TAG_NOT_ALLOWED` | a YAML tag other than the core ones (`!Ref`, `!Sub`, `!!js/function`, `!!binary`): patchbay does not evaluate them |
 * | `YAML_ALIAS_LIMIT` | YAML aliases expand to more than `MAX_ALIAS_EXPANSIONS` (100) nodes (an alias bomb) |
 * | `YAML_MULTIPLE_DOCUMENTS` | a file holds a second YAML document (`---`): one rule per file |
 * | `NUMBER_NOT_FINITE` | a number JSON cannot carry (`1e400`, `.inf`, `.nan`): the template would say `null` |
 */
export const InputIssueCode = {
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  FILE_NOT_TEXT: 'FILE_NOT_TEXT',
  PATH_OUTSIDE_PROJECT: 'PATH_OUTSIDE_PROJECT',
  YAML_TAG_NOT_ALLOWED: 'YAML_TAG_NOT_ALLOWED',
  YAML_ALIAS_LIMIT: 'YAML_ALIAS_LIMIT',
  YAML_MULTIPLE_DOCUMENTS: 'YAML_MULTIPLE_DOCUMENTS',
  NUMBER_NOT_FINITE: 'NUMBER_NOT_FINITE',
} as const;
