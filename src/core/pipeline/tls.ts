/**
 * TLS is recognised (RFC 8446 §5.1 record header: content type 20..24, legacy version 3.x) so
 * its bytes are counted instead of being mistaken for damaged SIP. Decryption is a later issue.
 */
export function looksLikeTlsRecord(buf: Buffer): boolean {
  if (buf.length < 5) return false;
  const type = buf[0]!;
  return type >= 20 && type <= 24 && buf[1] === 3 && buf[2]! <= 4;
}
