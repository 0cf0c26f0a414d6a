"""Investment opportunities, sealed offers, awards and rent schedules."""
