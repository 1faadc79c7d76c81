import { exchangeAsCurl } from '../../../shared/commands';
import type { HttpExchange } from '../../../shared/transcript';

/** "Copy as curl" of a recorded exchange: the transcript is redacted, so secrets become environment variables. */
export function toCurl(exchange: HttpExchange): string {
  return exchangeAsCurl(exchange.request).text;
}
