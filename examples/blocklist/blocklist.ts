/**
 * Reads a blocklist file: one address or CIDR network per line. Everything after `#` is a comment,
 * blank lines are skipped, surrounding whitespace (and Windows line ends) is ignored.
 *
 * @param text - the file's contents
 * @returns the entries in file order, exactly as written
 */
export function parseBlocklist(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line.length > 0);
}
