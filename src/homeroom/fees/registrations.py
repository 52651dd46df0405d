"""What the Fees module adds to the navigation, Today and the global search."""
