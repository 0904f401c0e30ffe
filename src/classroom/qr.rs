//! The join URL as a QR code in the terminal, so a class scans it from the projector.
//!
//! Encoding a QR code (Reed–Solomon, masks, version choice) is a specification's worth of
//! work; the `qrcode` crate does it with no dependencies once its image, SVG and PIC
//! renderers are switched off. Its Unicode renderer draws two modules per character cell.

use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode};

/// The QR code of `url`, as lines of half-block characters (light on dark terminals and
/// dark on light ones both scan: the quiet zone is drawn).
pub fn terminal(url: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::L).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_url_gives_a_square_block_of_half_blocks() {
        let qr = super::terminal("http://127.0.0.1:8080/?code=ACDEFG").unwrap();
        let lines: Vec<&str> = qr.lines().collect();
        assert!(lines.len() > 10);
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width));
    }
}
