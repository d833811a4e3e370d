// ShopCS
