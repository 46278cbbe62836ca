//! Checks a SEPA file against the official ISO 20022 schema (`tests/fixtures/sepa`,
//! from the PyPI wheel `sepaxml`) with `xmlschema`, the validator `sepaxml` itself
//! uses: Rust has no complete XSD validator, and libxml2's bindings need libclang at
//! build time. The first check makes a virtualenv under `target/` with it, from PyPI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const XMLSCHEMA: &str = "xmlschema==4.3.2";

/// The virtualenv's Python, made once per test run.
fn python() -> &'static Result<PathBuf, String> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        // target/debug/deps/api-… → target
        let target = exe
            .ancestors()
            .nth(3)
            .ok_or("no target folder above the test binary")?;
        let venv = target.join("sepa-xsd-venv");
        let python = venv.join("bin/python");
        let ready = |p: &Path| {
            Command::new(p)
                .args(["-c", "import xmlschema"])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !ready(&python) {
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
            run(Command::new(&python).args(["-m", "pip", "install", "-q", XMLSCHEMA]))?;
        }
        Ok(python)
    })
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Panics with the validator's message unless `xml` is valid against `version`'s XSD
/// (`pain.008.001.02` or `pain.008.001.08`).
pub fn assert_valid(xml: &str, version: &str) {
    let python = match python() {
        Ok(python) => python,
        Err(e) => panic!("the XSD validator could not be installed: {e}"),
    };
    let xsd = format!("{}/fixtures/sepa/{version}.xsd", env!("CARGO_MANIFEST_DIR"));
    let file = std::env::temp_dir().join(format!("sepa-{}.xml", uuid::Uuid::new_v4()));
    std::fs::write(&file, xml).unwrap_or_else(|e| panic!("{file:?}: {e}"));
    let checked = run(Command::new(python)
        .arg("-c")
        .arg("import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])")
        .arg(&xsd)
        .arg(&file));
    let _ = std::fs::remove_file(&file);
    if let Err(e) = checked {
        panic!("not a valid {version} file: {e}\n{xml}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "not a valid pain.008.001.02 file")]
    fn an_invalid_file_is_refused() {
        assert_valid(
            r#"<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"><CstmrDrctDbtInitn><GrpHdr/></CstmrDrctDbtInitn></Document>"#,
            "pain.008.001.02",
        );
    }
}
