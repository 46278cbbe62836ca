// `embed_migrations!` reads the folders at compile time; without this, a new migration
// folder would not trigger a rebuild and the binary would silently miss it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
