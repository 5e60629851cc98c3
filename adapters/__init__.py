"""Platform adapters: each turns its platform's updates into neutral events and
renders neutral messages back. Business rules live in handlers/, never here."""
