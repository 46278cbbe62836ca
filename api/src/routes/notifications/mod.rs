//! Notifications: a family's inbox and preferences, its devices for pushes, and the
//! webhooks that tell the city's other systems.

pub mod inbox;
pub mod push;
pub mod webhooks;

super::operations! {
    inbox::list_my_notifications,
    inbox::count_my_unread_notifications,
    inbox::read_all_my_notifications,
    inbox::read_my_notification,
    inbox::get_my_notification_preferences,
    inbox::set_my_notification_preferences,
    push::get_push_channels,
    push::register_my_push_subscription,
    push::list_my_push_subscriptions,
    push::delete_my_push_subscription,
    webhooks::list_webhook_endpoints,
    webhooks::create_webhook_endpoint,
    webhooks::get_webhook_endpoint,
    webhooks::update_webhook_endpoint,
    webhooks::delete_webhook_endpoint,
    webhooks::rotate_webhook_secret,
    webhooks::list_webhook_deliveries,
    webhooks::redeliver_webhook,
}
