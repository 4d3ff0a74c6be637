"""qa-bot's Slack front end: slack-bolt listeners over the in-process AnswerService."""
