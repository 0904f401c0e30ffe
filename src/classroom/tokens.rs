//! Secrets of the room: the teacher's token, each student's token and the join code.
//!
//! Tokens are the one place where councilsim draws unseeded randomness, from the operating
//! system (`/dev/urandom`): they must be unguessable, and they never reach a result (the
//! game file holds none; the room file holds only their SHA-256). Compared in constant
//! time so a response's timing says nothing about how much of a guess was right.

use sha2::{Digest, Sha256};
use std::io::{self, Read};

/// Bytes from the operating system's random source.
pub fn os_random(buf: &mut [u8]) -> io::Result<()> {
    std::fs::File::open("/dev/urandom")?.read_exact(buf)
}

/// A fresh 128-bit token as 32 lower-case hex digits.
pub fn token() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    os_random(&mut bytes)?;
    Ok(hex(&bytes))
}

/// The characters of a join code: capitals and digits a student cannot misread (no 0/O,
/// 1/I/L, 5/S, 2/Z, 8/B).
const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// A six-character join code students type on a phone (25⁶ ≈ 244 million codes; it only
/// admits to the room, each seat then has its own token).
pub fn join_code() -> io::Result<String> {
    let mut bytes = [0u8; 6];
    os_random(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect())
}

/// A join code as typed: upper-cased, spaces and dashes dropped.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// SHA-256 of a token, hex: what the room file keeps instead of the token.
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Equality in time that depends only on the lengths.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_hex_and_codes_use_the_unambiguous_alphabet() {
        let (a, b) = (token().unwrap(), token().unwrap());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        let code = join_code().unwrap();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|c| CODE_ALPHABET.contains(&c)));
        assert_eq!(normalise_code(" ac-d 9 "), "ACD9");
    }

    #[test]
    fn comparison_and_digest() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert_eq!(digest("abc").len(), 64);
    }
}
