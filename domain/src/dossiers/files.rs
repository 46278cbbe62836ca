//! What an uploaded file really is, read from its first bytes, never from its name
//! or the type the client declares.

/// The file types the city accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    /// Recognises a file by its magic bytes; `None` for anything else (an
    /// executable renamed `.pdf` included).
    pub fn sniff(content: &[u8]) -> Option<Self> {
        if content.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

/// The name a document is shown and downloaded under: the client's name reduced to
/// letters, digits, spaces, `-`, `_` and `.`, at most 100 characters, with the
/// extension of what the file really is.
pub fn safe_file_name(given: Option<&str>, kind: &str, file_type: FileType) -> String {
    let base = given
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let cleaned: String = stem
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
        .take(100)
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let stem = if cleaned.is_empty() { kind } else { cleaned };
    format!("{stem}.{}", file_type.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(FileType::sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(
            FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            FileType::sniff(b"\x89PNG\r\n\x1a\n\0\0"),
            Some(FileType::Png)
        );
        assert_eq!(FileType::sniff(b"MZ\x90\0 an executable"), None);
        assert_eq!(FileType::sniff(b"\x7fELF"), None);
        assert_eq!(FileType::sniff(b""), None);
    }

    #[test]
    fn names_are_cleaned_and_take_the_real_extension() {
        assert_eq!(
            safe_file_name(
                Some("../../etc/fiche sanitaire.PDF"),
                "health_form",
                FileType::Pdf
            ),
            "fiche sanitaire.pdf"
        );
        assert_eq!(
            safe_file_name(Some("photo.exe"), "other", FileType::Png),
            "photo.png"
        );
        assert_eq!(
            safe_file_name(Some("<script>.pdf"), "health_form", FileType::Pdf),
            "script.pdf"
        );
        assert_eq!(
            safe_file_name(None, "income_proof", FileType::Jpeg),
            "income_proof.jpg"
        );
        assert_eq!(
            safe_file_name(Some("..."), "other", FileType::Pdf),
            "other.pdf"
        );
    }
}
