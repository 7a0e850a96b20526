/**
 * IP addresses and CIDR blocks as EventBridge compares them: both become fixed-width hexadecimal
 * strings (8 digits for IPv4, 32 for IPv6), so a block is a closed range of such strings.
 * Note EventBridge's own quirks, reproduced on purpose: the bottom of a range is the address as
 * written (not masked), IPv4 masks must be < 32 and IPv6 masks < 128.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-ip-matching
 */

/** A closed range of addresses in hexadecimal form. */
export interface IpRange {
  readonly bottom: string;
  readonly top: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipv4Bytes(ip: string): number[] | undefined {
  if (!IPV4.test(ip)) return undefined;
  return ip.split('.').map(Number);
}

function ipv6Bytes(ip: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(ip) || ip.length < 2) return undefined;
  let tail: number[] = [];
  let text = ip;
  const lastColon = ip.lastIndexOf(':');
  if (ip.includes('.')) {
    const v4 = ipv4Bytes(ip.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    text = ip.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const groupsWanted = (16 - tail.length) / 2;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const parts = s.split(':');
    const out: number[] = [];
    for (const p of parts) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !rest) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = groupsWanted - head.length - rest.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    if (head.length !== groupsWanted) return undefined;
    groups = head;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return [...bytes, ...tail];
}

/** The 4 or 16 bytes of an IPv4/IPv6 literal, or undefined when `text` is not one. */
export function ipBytes(text: string): number[] | undefined {
  return ipv4Bytes(text) ?? (text.includes(':') ? ipv6Bytes(text) : undefined);
}

function toHex(bytes: number[]): string {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
  return out;
}

/** Hexadecimal form of an IP literal (`10.0.0.1` -> `0A000001`), or undefined when `text` is not one. */
export function ipToHex(text: string): string | undefined {
  // Cheap rejection first: event values are mostly not addresses.
  const c = text.charCodeAt(0);
  if (text.length < 2 || text.length > 45 || !((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 58)) return undefined;
  const bytes = ipBytes(text);
  return bytes ? toHex(bytes) : undefined;
}

/**
 * Parse a CIDR block (`10.0.0.0/24`, `2001:db8::/64`).
 * @throws Error with EventBridge's reason text (`Malformed CIDR, one '/' required`, `Nonstandard IP address: x`, ...).
 */
export function parseCidr(cidr: string): IpRange {
  // Java's String.split drops trailing empty strings: "a/" has one part.
  const parts = cidr.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) throw new Error("Malformed CIDR, one '/' required");
  if (!/^[+-]?\d+$/.test(parts[1]) || !Number.isSafeInteger(Number(parts[1])) || Math.abs(Number(parts[1])) > 2147483647) {
    throw new Error('Malformed CIDR, mask bits must be an integer');
  }
  const maskBits = Number(parts[1]);
  if (maskBits < 0) throw new Error('Malformed CIDR, mask bits must not be negative');
  const bytes = ipBytes(parts[0]);
  if (!bytes) throw new Error(`Nonstandard IP address: ${parts[0]}`);
  if (bytes.length === 4 && maskBits > 31) throw new Error('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && maskBits > 127) throw new Error('IPv6 mask bits must be < 128');
  let free = bytes.length * 8 - maskBits;
  const top = new Array<number>(bytes.length);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (free >= 8) top[i] = 0xff;
    else if (free <= 0) top[i] = bytes[i];
    else top[i] = bytes[i] | ((1 << free) - 1);
    free -= 8;
  }
  return { bottom: toHex(bytes), top: toHex(top) };
}

/** A one-address range for an exact IP value in a pattern (EventBridge compares IP literals by address). */
export function ipRangeIfPossible(text: string): IpRange | undefined {
  const hex = ipToHex(text);
  return hex === undefined ? undefined : { bottom: hex, top: hex };
}

/** True when the hexadecimal address `hex` lies in `range` (same width). */
export function inIpRange(hex: string, range: IpRange): boolean {
  return hex.length === range.bottom.length && hex >= range.bottom && hex <= range.top;
}
