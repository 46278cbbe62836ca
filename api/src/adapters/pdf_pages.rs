//! Plain A4 pages of text (Helvetica, one of the fonts every reader has, so nothing
//! is embedded): what the city's PDFs (invoices, certificates) are made of.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const LINE: f32 = 15.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// What a page shows, top to bottom.
pub enum Row {
    Title(String),
    Text(String),
    Bold(String),
    Gap,
}

/// The rows, top to bottom, on as many pages as they take.
pub fn pdf(rows: &[Row]) -> Vec<u8> {
    let per_page = ((HEIGHT - 2.0 * MARGIN) / LINE) as usize;
    let pages: Vec<&[Row]> = rows.chunks(per_page.max(1)).collect();
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let ids: Vec<(Ref, Ref)> = (0..pages.len())
        .map(|i| {
            let n = 5 + 2 * i32::try_from(i).unwrap_or(0);
            (Ref::new(n), Ref::new(n + 1))
        })
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().map(|(page, _)| *page))
        .count(i32::try_from(ids.len()).unwrap_or(1));
    for name in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(name.0)
            .base_font(Name(name.1.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (rows, (page_id, content_id)) in pages.iter().zip(&ids) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        page.parent(tree);
        page.contents(*content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(REGULAR, regular);
        fonts.pair(BOLD, bold);
        fonts.finish();
        resources.finish();
        page.finish();
        let mut content = Content::new();
        let mut y = HEIGHT - MARGIN;
        for row in *rows {
            let (font, size, text) = match row {
                Row::Title(t) => (BOLD, 16.0, t.as_str()),
                Row::Bold(t) => (BOLD, 11.0, t.as_str()),
                Row::Text(t) => (REGULAR, 10.0, t.as_str()),
                Row::Gap => {
                    y -= LINE;
                    continue;
                }
            };
            content.begin_text();
            content.set_font(font, size);
            content.next_line(MARGIN, y);
            content.show(Str(&win_ansi(text)));
            content.end_text();
            y -= LINE;
        }
        pdf.stream(*content_id, &content.finish());
    }
    pdf.finish()
}

/// Text in the standard fonts' WinAnsi encoding (Latin-1 with the euro sign and
/// typographic dashes and quotes); anything else becomes `?`.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            '−' => b'-',
            '×' => 0xD7,
            c if (c as u32) < 0x80 || (0xA0..=0xFF).contains(&(c as u32)) => c as u8,
            _ => b'?',
        })
        .collect()
}

/// An amount as French text: `5,70 €`.
pub fn euros(cents: i64) -> String {
    format!("{} €", crate::usecases::billing::invoices::euros(cents))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_is_encoded_for_the_standard_fonts() {
        assert_eq!(
            win_ansi("Émise — 5,70 €"),
            b"\xC9mise \x97 5,70 \x80".to_vec()
        );
        assert_eq!(win_ansi("漢"), b"?".to_vec());
    }
}
