/** config.serving (src/node/config.ts); kept apart from the server so reading a config never loads tfjs. */
export interface ServingConfig {
  enabled: boolean
  /** Budget of resident adapters (their tensors' bytes); least recently used ones leave first. */
  maxBytes: number
  /** Budget of resident base models (full models count as bases). */
  maxBaseBytes: number
  /** Contributors an answer lists, heaviest first. */
  topContributors: number
}

export const DEFAULT_SERVING_CONFIG: ServingConfig = {
  enabled: false,
  maxBytes: 64 * 1024 * 1024,
  maxBaseBytes: 512 * 1024 * 1024,
  topContributors: 10,
}
