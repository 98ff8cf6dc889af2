"""Learning aids, headless: the glossary and help topics, the lessons and their checks,
and the trainee's progress. Screens show them; nothing here imports Textual."""
