"""Staff training and supervision of a team (WHO counts staff trained in rights-based approaches)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.models.people import Team, User


class TrainingKind(models.TextChoices):
    WHO_QUALITYRIGHTS = "who_qualityrights", _("WHO QualityRights")
    RIGHTS_BASED = "rights_based", _("Other rights-based approach (CRPD, supported decisions)")
    RECOVERY = "recovery", _("Recovery-oriented practice")
    PEER_SUPPORT = "peer_support", _("Peer support")
    TRAUMA_INFORMED = "trauma_informed", _("Trauma-informed care")
    CRISIS = "crisis", _("Crisis and safety planning")
    OPEN_DIALOGUE = "open_dialogue", _("Open Dialogue")
    MOTIVATIONAL = "motivational", _("Motivational interviewing")
    OTHER = "other", _("Other")


# The kinds that count as training in rights-based approaches (WHO's indicator).
RIGHTS_BASED_KINDS = frozenset({TrainingKind.WHO_QUALITYRIGHTS, TrainingKind.RIGHTS_BASED})


class Training(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"), validators=[not_in_future])
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    provider = models.CharField(_("given by"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        User, related_name="trainings", verbose_name=_("who attended")
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("training")

    def __str__(self) -> str:
        return f"{self.title} {self.held_on}"

    @property
    def is_rights_based(self) -> bool:
        return self.kind in RIGHTS_BASED_KINDS


class SupervisionSession(models.Model):
    class Kind(models.TextChoices):
        GROUP = "group", _("Group supervision")
        INDIVIDUAL = "individual", _("Individual supervision")
        EXTERNAL = "external", _("External supervision")
        INTERVISION = "intervision", _("Peer intervision")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="supervision_sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GROUP)
    held_on = models.DateField(_("held on"), validators=[not_in_future])
    supervisor_name = models.CharField(_("supervisor"), max_length=200)
    attendees = models.ManyToManyField(
        User, related_name="supervision_sessions", verbose_name=_("who took part")
    )
    topics = models.TextField(
        _("topics"),
        blank=True,
        help_text=_("No client names: the record of each client is elsewhere."),
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("supervision session")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"
