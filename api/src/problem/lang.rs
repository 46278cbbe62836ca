//! The language of what people read: French by default, English on request.

use std::convert::Infallible;
use std::future::{Ready, ready};

use actix_web::http::header::{ACCEPT_LANGUAGE, HeaderMap};
use actix_web::{FromRequest, HttpRequest, dev::Payload};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The preferred of French and English in `Accept-Language` (RFC 9110 weights);
    /// French when neither is named.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let Some(value) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Self::Fr;
        };
        let mut best: Option<(f32, Self)> = None;
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let weight = parts
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("fr") => Self::Fr,
                Some("en") => Self::En,
                _ => continue,
            };
            if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map_or(Self::Fr, |(_, lang)| lang)
    }
}

impl FromRequest for Lang {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::negotiate(req.headers())))
    }
}

/// A text in both languages the portal speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            fr: fr.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn negotiate(value: &str) -> Lang {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_str(value).unwrap());
        Lang::negotiate(&headers)
    }

    #[test]
    fn weights_decide_between_french_and_english() {
        assert_eq!(negotiate("en"), Lang::En);
        assert_eq!(negotiate("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(negotiate("de, en;q=0.5, fr;q=0.8"), Lang::Fr);
        assert_eq!(negotiate("fr;q=0.1, en;q=0.9"), Lang::En);
        assert_eq!(negotiate("de"), Lang::Fr);
        assert_eq!(negotiate("en;q=0"), Lang::Fr);
        assert_eq!(Lang::negotiate(&HeaderMap::new()), Lang::Fr);
    }
}
