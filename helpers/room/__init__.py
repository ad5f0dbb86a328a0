"""The workshop room: learners as Unix users (``learners``) and the instructor's room board (``board``)."""
