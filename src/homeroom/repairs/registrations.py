"""What the Repairs module adds to the navigation, Today and the global search."""
