"""Building, demolition, restoration, fencing and excavation permits on land parcels."""
