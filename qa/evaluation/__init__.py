"""Answer quality on question sets: data sets, metrics and the printed report."""
