"""Shop licences, workers' health certificates and billboard licences."""
