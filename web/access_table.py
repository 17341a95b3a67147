"""`python3 -m web.access_table` prints the access matrix as the README's Markdown table."""
from . import create_app
from .access_matrix import markdown_table

if __name__ == "__main__":
    print(markdown_table(create_app({"SECRET_KEY": "table", "INTEGRAFLOW_SETTINGS": {"database_url": "sqlite://"}})
                         .url_map))
