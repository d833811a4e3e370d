"""Order webhooks from Shopify and WooCommerce: verified, deduplicated, mapped onto the order API's payload."""
