"""Red team attack9: Airflow 3 relayed output, new category phrases, new catalogue entries."""
