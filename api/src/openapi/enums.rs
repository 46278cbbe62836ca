//! Enums of the contract, each value with its meaning. utoipa drops the doc comments
//! of a plain enum's variants; these macros keep them, in the enum's description (a
//! list every reader of the docs sees) and in `x-enum-descriptions` (which generators
//! put on the generated cases).

use utoipa::openapi::RefOr;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// An enum of the contract: each variant written `Variant = "json value"` under its
/// doc comment (required, as is the enum's).
macro_rules! api_enum {
    (
        $(#[doc = $doc:literal])+
        $vis:vis enum $name:ident {
            $( $(#[doc = $vdoc:literal])+ $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name { $( $(#[doc = $vdoc])+ #[serde(rename = $text)] $variant ),+ }

        impl $name {
            /// Every value, in the contract's order.
            #[allow(dead_code)]
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The value as written in JSON.
            #[allow(dead_code)]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::openapi::enums::enum_schema(&[$($doc),+], &[$(($text, &[$($vdoc),+])),+])
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

/// An [`api_enum!`] that mirrors a domain enum of the same variants, both ways.
macro_rules! mirror_enum {
    (
        $(#[doc = $doc:literal])+
        $name:ident => $domain:ident {
            $( $(#[doc = $vdoc:literal])+ $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $crate::openapi::enums::api_enum! {
            $(#[doc = $doc])+
            pub enum $name { $( $(#[doc = $vdoc])+ $variant = $text ),+ }
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                match value { $($name::$variant => $domain::$variant),+ }
            }
        }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                match value { $($domain::$variant => $name::$variant),+ }
            }
        }
    };
}

pub(crate) use {api_enum, mirror_enum};

/// Doc comment lines as one text: one leading space off each line, lines joined.
fn text_of(lines: &[&str], separator: &str) -> String {
    lines
        .iter()
        .map(|line| line.strip_prefix(' ').unwrap_or(line).trim_end())
        .collect::<Vec<_>>()
        .join(separator)
        .trim()
        .to_owned()
}

/// A string enum's schema: its values, described one by one.
pub fn enum_schema(doc: &[&str], values: &[(&str, &[&str])]) -> RefOr<Schema> {
    let meanings: Vec<String> = values
        .iter()
        .map(|(_, lines)| text_of(lines, " "))
        .collect();
    let list: Vec<String> = values
        .iter()
        .zip(&meanings)
        .map(|((value, _), meaning)| format!("- `{value}`: {meaning}"))
        .collect();
    let description = format!("{}\n\n{}", text_of(doc, "\n"), list.join("\n"));
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values.iter().map(|(value, _)| *value)))
        .extensions(Some(
            ExtensionsBuilder::new()
                .add("x-enum-descriptions", meanings)
                .build(),
        ))
        .into()
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    api_enum! {
        /// A test enum,
        /// on two lines.
        enum Colour {
            /// Like the sky
            /// on a fine day.
            Blue = "blue",
            /// Like grass.
            Green = "green",
        }
    }

    #[test]
    fn each_value_is_described_in_the_schema() {
        let schema = serde_json::to_value(Colour::schema()).unwrap();
        assert_eq!(schema["enum"], serde_json::json!(["blue", "green"]));
        assert_eq!(
            schema["x-enum-descriptions"],
            serde_json::json!(["Like the sky on a fine day.", "Like grass."])
        );
        assert_eq!(
            schema["description"],
            "A test enum,\non two lines.\n\n- `blue`: Like the sky on a fine day.\n- `green`: Like grass."
        );
        assert_eq!(serde_json::to_string(&Colour::Green).unwrap(), "\"green\"");
        assert_eq!(Colour::ALL.len(), 2);
        assert_eq!(Colour::Blue.as_str(), "blue");
    }
}
