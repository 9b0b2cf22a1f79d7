from django.apps import AppConfig


class MailboxesConfig(AppConfig):
    name = "ownup.mailboxes"
    label = "mailboxes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ownup.demo import register_demo_step
        from ownup.notify.mail import register_sender, register_transport
        from ownup.worker.registry import register_queue

        from . import demo, jobs, sending

        register_queue("mailboxes", jobs.MailboxQueue())
        register_transport(sending.TRANSPORT, sending.mailbox_connection)
        register_sender(sending.reply_sender)
        register_demo_step(demo.demo_mailboxes)
