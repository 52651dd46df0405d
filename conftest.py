pytest_plugins = ["homeroom.core.testing"]
