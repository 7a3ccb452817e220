"""The copilot web app: ``python app.py`` (or ``make run``) serves it on http://127.0.0.1:7860.

Importing this module builds the page cheaply (no model is loaded); models load in a
background thread once the server runs.
"""

from copilot.settings import Settings, apply_offline_env

apply_offline_env()

from copilot.chat import Copilot  # noqa: E402
from copilot.ui import build_demo, launch_kwargs  # noqa: E402

settings = Settings.from_env()
copilot = Copilot.from_settings(settings)
demo = build_demo(copilot)

if __name__ == "__main__":
    from copilot.chat_cli import check_bind

    check_bind(settings.host, settings)
    copilot.warm_up()
    try:
        demo.launch(**launch_kwargs(settings))
    finally:
        copilot.close()
