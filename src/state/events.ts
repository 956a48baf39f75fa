/** What happened, for clients to search and subscribe to (CometBFT's ABCI events). */
export interface Event {
  type: string
  attributes: [key: string, value: string][]
}
