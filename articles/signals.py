"""What articles/ tells the rest of the site: a workflow step taken, a text changed."""

from django.dispatch import Signal

# Sent once the step's transaction has committed: article, action, actor, comment.
step_taken = Signal()
# Sent once a save that changed the headline, lead or body has committed: article,
# previous_change (when its text had changed before).
text_changed = Signal()
