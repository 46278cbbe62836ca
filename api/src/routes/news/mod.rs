//! News ("Actualités"): the published items everyone reads, and the agents' editor.

pub mod published;
pub mod staff;

super::operations! {
    published::list_news,
    published::get_news,
    published::download_news_attachment,
    staff::list_admin_news,
    staff::create_news,
    staff::get_admin_news,
    staff::update_news,
    staff::retire_news,
    staff::attach_news_file,
    staff::remove_news_attachment,
    staff::download_admin_news_attachment,
}
