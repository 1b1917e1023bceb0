from salesapp.urls_catalog import urlpatterns as catalog_urlpatterns
from salesapp.urls_orders import urlpatterns as order_urlpatterns

app_name = "salesapp"
urlpatterns = catalog_urlpatterns + order_urlpatterns
