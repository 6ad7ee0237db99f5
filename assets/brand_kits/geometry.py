"""Pixel boxes on a canvas and the UI overlay areas of a placement (docs/PLACEMENTS.md)."""

from pydantic import BaseModel, ConfigDict, Field


class Box(BaseModel):
    model_config = ConfigDict(frozen=True)

    x: int
    y: int
    width: int = Field(gt=0)
    height: int = Field(gt=0)

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def corners(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) as Pillow's crop takes it: right and bottom exclusive."""
        return (self.x, self.y, self.right, self.bottom)

    def contains(self, other: "Box") -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def inset(self, by: int) -> "Box | None":
        """The box shrunk by ``by`` on every side; None when nothing is left."""
        if self.width <= 2 * by or self.height <= 2 * by:
            return None
        return Box(
            x=self.x + by, y=self.y + by, width=self.width - 2 * by, height=self.height - 2 * by
        )

    def describe(self) -> str:
        return f"(x={self.x}, y={self.y}, {self.width}×{self.height})"

    def as_dict(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}

    def overlaps(self, other: "Box") -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )


class OverlayBox(Box):
    """A named box of an app's interface over the image (YouTube's duration badge)."""

    name: str

    def as_dict(self) -> dict:
        return {"name": self.name, **super().as_dict()}


class SafeArea(BaseModel):
    """UI overlay bands along the canvas edges, in pixels (stories: top and bottom)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    top: int = Field(default=0, ge=0)
    bottom: int = Field(default=0, ge=0)
    left: int = Field(default=0, ge=0)
    right: int = Field(default=0, ge=0)

    def inside(self, canvas: Box) -> Box:
        return Box(
            x=canvas.x + self.left,
            y=canvas.y + self.top,
            width=max(1, canvas.width - self.left - self.right),
            height=max(1, canvas.height - self.top - self.bottom),
        )

    def merged(self, other: "SafeArea") -> "SafeArea":
        return SafeArea(**{side: max(getattr(self, side), getattr(other, side)) for side in SIDES})

    def describe(self) -> str:
        bands = [f"{side} {getattr(self, side)} px" for side in SIDES if getattr(self, side)]
        return ", ".join(bands) or "none"


SIDES = ("top", "bottom", "left", "right")
